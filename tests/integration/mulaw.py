"""ITU-T G.711 mu-law in numpy (no audioop: it is gone from Python 3.13), for tests that play a
carrier's side of a Media Stream. Samples are floats in [-1, 1]; encoded audio is bytes."""
import numpy as np

_BIAS = 0x84
_CLIP = 32635


def encode(samples):
    x = np.clip(np.round(np.asarray(samples) * 32767.0), -32768, 32767).astype(np.int32)
    sign = np.where(x < 0, 0x80, 0)
    magnitude = np.minimum(np.abs(x), _CLIP) + _BIAS
    exponent = np.clip(np.floor(np.log2(magnitude)).astype(np.int32) - 7, 0, 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return (~(sign | (exponent << 4) | mantissa) & 0xFF).astype(np.uint8).tobytes()


def decode(data):
    u = ~np.frombuffer(data, dtype=np.uint8).astype(np.int32) & 0xFF
    exponent = (u >> 4) & 0x07
    magnitude = (((u & 0x0F) << 3) + _BIAS) << exponent
    samples = np.where(u & 0x80, _BIAS - magnitude, magnitude - _BIAS)
    return samples.astype(np.float64) / 32768.0

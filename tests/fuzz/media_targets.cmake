# Media libFuzzer targets, built like fuzz_sip_message. Include from tests/fuzz/CMakeLists.txt with
#   include(${CMAKE_CURRENT_SOURCE_DIR}/media_targets.cmake)
# to get fuzz_sdp (sdp_fuzz.cpp) and fuzz_rtp (rtp_fuzz.cpp).
foreach(name sdp rtp)
  add_executable(fuzz_${name} ${CMAKE_CURRENT_LIST_DIR}/${name}_fuzz.cpp)
  target_compile_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(fuzz_${name} PRIVATE parley_media parley_warnings)
endforeach()

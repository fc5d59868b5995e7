#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/config.hpp"

using namespace parley::core;

namespace {
EnvLookup env_of(std::map<std::string, std::string> m) {
  return [m](std::string_view k) -> std::optional<std::string> {
    auto it = m.find(std::string(k));
    if (it == m.end()) return std::nullopt;
    return it->second;
  };
}
std::string write_temp(const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("parley_cfg_" + std::to_string(::getpid()) + ".toml");
  std::ofstream(path) << text;
  return path.string();
}
}  // namespace

TEST(Config, Defaults) {
  auto c = load_config(std::nullopt, env_of({}), {});
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->http_listen, "127.0.0.1:8080");
  EXPECT_EQ(c->data_dir, "./var");
  EXPECT_EQ(c->sip_listen, "0.0.0.0:5060");
  EXPECT_EQ(c->rtp_port_min, 10000);
  EXPECT_EQ(c->rtp_port_max, 60000);
  EXPECT_EQ(c->rate_limits.dial_per_min, 10);
  EXPECT_EQ(c->effective_database_path(), "./var/parley.db");
}

TEST(Config, LayersFileThenEnvThenFlags) {
  auto path = write_temp("data_dir = \"/tmp/a\"\n[http]\nlisten = \"127.0.0.1:9000\"\n[rtp]\nport_min = 20000\n");
  auto c = load_config(path, env_of({{"PARLEY_HTTP_LISTEN", "127.0.0.1:9001"}, {"PARLEY_LOG_LEVEL", "debug"}}),
                       {{"log.level", "warn"}});
  std::filesystem::remove(path);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->data_dir, "/tmp/a");
  EXPECT_EQ(c->http_listen, "127.0.0.1:9001");
  EXPECT_EQ(c->rtp_port_min, 20000);
  EXPECT_EQ(c->log_level, "warn");
}

TEST(Config, ErrorsNameTheKey) {
  auto path = write_temp("[http]\nlisen = \"x\"\n");
  auto c = load_config(path, env_of({}), {});
  std::filesystem::remove(path);
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().field, "http.lisen");

  auto bad_port = load_config(std::nullopt, env_of({{"PARLEY_RTP_PORT_MIN", "abc"}}), {});
  ASSERT_FALSE(bad_port.has_value());
  EXPECT_NE(bad_port.error().message.find("PARLEY_RTP_PORT_MIN"), std::string::npos);

  EXPECT_FALSE(load_config(std::nullopt, env_of({{"PARLEY_HTTP_LISTEN", "nohost"}}), {}).has_value());
  EXPECT_FALSE(load_config(std::nullopt, env_of({{"PARLEY_RTP_PORT_MIN", "50000"}, {"PARLEY_RTP_PORT_MAX", "40000"}}),
                           {})
                   .has_value());
  auto syntax = write_temp("[http\n");
  EXPECT_FALSE(load_config(syntax, env_of({}), {}).has_value());
  std::filesystem::remove(syntax);
}

TEST(Config, HostPort) {
  auto v6 = parse_host_port("[::1]:5060");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 5060);
  EXPECT_FALSE(parse_host_port("127.0.0.1:70000").has_value());
  EXPECT_FALSE(parse_host_port("[::1]5060").has_value());
}

TEST(Config, ListsAndFlags) {
  auto c = load_config(std::nullopt,
                       env_of({{"PARLEY_OUTBOUND_ALLOWED_COUNTRIES", " US, GB,,IN "},
                               {"PARLEY_OUTBOUND_BLOCK_PREMIUM", "false"},
                               {"PARLEY_WEBHOOK_ALLOW_PRIVATE_TARGETS", "true"}}),
                       {});
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->outbound.allowed_countries, (std::vector<std::string>{"US", "GB", "IN"}));
  EXPECT_FALSE(c->outbound.block_premium);
  EXPECT_TRUE(c->webhooks.allow_private_targets);
  EXPECT_FALSE(load_config(std::nullopt, env_of({{"PARLEY_OUTBOUND_ALLOWED_COUNTRIES", "USA"}}), {}).has_value());
  EXPECT_FALSE(load_config(std::nullopt, env_of({{"PARLEY_OUTBOUND_BLOCK_PREMIUM", "yes"}}), {}).has_value());
}

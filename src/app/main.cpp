// `parley`: serve | keys create|list|revoke | migrate. The only translation unit with CLI11.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "api/api_keys.hpp"
#include "app/daemon.hpp"
#include "app/data_dir.hpp"
#include "app/store_factory.hpp"
#include "core/config.hpp"
#include "core/log.hpp"
#include "core/time.hpp"

namespace {
using namespace parley;

struct Common {
  std::string config_path;
  std::string data_dir;
  std::string http_listen;
  std::string log_level;
  std::vector<std::string> sets;
};

void add_common(CLI::App* cmd, Common& c) {
  cmd->add_option("-c,--config", c.config_path, "TOML configuration file")->check(CLI::ExistingFile);
  cmd->add_option("--data-dir", c.data_dir, "data directory (PARLEY_DATA_DIR)");
  cmd->add_option("--http-listen", c.http_listen, "HTTP address host:port (PARLEY_HTTP_LISTEN)");
  cmd->add_option("--log-level", c.log_level, "log level (PARLEY_LOG_LEVEL)");
  cmd->add_option("--set", c.sets, "any setting as key=value, e.g. --set rtp.port_min=20000");
}

core::Config load(const Common& c) {
  std::map<std::string, std::string> overrides;
  for (const auto& s : c.sets) {
    auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) throw CLI::ValidationError("--set", "expected key=value, got " + s);
    overrides[s.substr(0, eq)] = s.substr(eq + 1);
  }
  if (!c.data_dir.empty()) overrides["data_dir"] = c.data_dir;
  if (!c.http_listen.empty()) overrides["http.listen"] = c.http_listen;
  if (!c.log_level.empty()) overrides["log.level"] = c.log_level;
  auto cfg = core::load_config(c.config_path.empty() ? std::nullopt : std::optional(c.config_path), core::process_env(),
                               overrides);
  if (!cfg) throw std::runtime_error("configuration: " + cfg.error().message);
  return *cfg;
}

std::unique_ptr<store::Store> open_migrated(const core::Config& cfg) {
  if (auto r = app::ensure_data_dir(cfg); !r) throw std::runtime_error(r.error().message);
  auto s = app::open_store(cfg);
  if (!s) throw std::runtime_error(s.error().message);
  if (auto r = (*s)->migrate(); !r) throw std::runtime_error(r.error().message);
  return std::move(*s);
}

std::string when(const std::optional<std::int64_t>& t) { return t ? core::format_iso8601(core::from_unix_ms(*t)) : "-"; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"Parley: a self-hosted voice-AI telephony server"};
  cli.require_subcommand(1);
  Common common;

  auto* serve = cli.add_subcommand("serve", "run the daemon");
  add_common(serve, common);

  auto* migrate = cli.add_subcommand("migrate", "apply database migrations and exit");
  add_common(migrate, common);

  auto* keys = cli.add_subcommand("keys", "manage API keys");
  keys->require_subcommand(1);
  std::string key_name, key_id;
  auto* keys_create = keys->add_subcommand("create", "create a key and print it (alone) on stdout");
  keys_create->add_option("--name", key_name, "a label for the key")->required();
  add_common(keys_create, common);
  auto* keys_list = keys->add_subcommand("list", "list keys (never the keys themselves)");
  add_common(keys_list, common);
  auto* keys_revoke = keys->add_subcommand("revoke", "revoke a key by id");
  keys_revoke->add_option("id", key_id, "key id (key_...)")->required();
  add_common(keys_revoke, common);

  CLI11_PARSE(cli, argc, argv);

  try {
    core::Config cfg = load(common);
    core::init_logging(serve->parsed() ? cfg.log_level : "warn");
    if (serve->parsed()) return app::serve(cfg);
    auto store = open_migrated(cfg);
    if (migrate->parsed()) {
      std::printf("schema version %d\n", store->schema_version().value_or(-1));
      return 0;
    }
    if (keys_create->parsed()) {
      auto k = api::create_api_key(*store, key_name);
      if (!k) throw std::runtime_error(k.error().message);
      std::printf("%s\n", k->secret.c_str());
      return 0;
    }
    if (keys_list->parsed()) {
      auto list = store->list_api_keys();
      if (!list) throw std::runtime_error(list.error().message);
      std::printf("%-26s %-20s %-12s %-20s %-20s %s\n", "ID", "NAME", "PREFIX", "CREATED", "LAST USED", "STATUS");
      for (const auto& k : *list) {
        std::printf("%-26s %-20s %-12s %-20s %-20s %s\n", k.id.c_str(), k.name.c_str(), k.prefix.c_str(),
                    when(k.created_at).c_str(), when(k.last_used_at).c_str(), k.revoked_at ? "revoked" : "active");
      }
      return 0;
    }
    if (keys_revoke->parsed()) {
      if (auto r = store->revoke_api_key(key_id); !r) throw std::runtime_error(r.error().message);
      std::printf("revoked %s\n", key_id.c_str());
      return 0;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "parley: %s\n", e.what());
    return 1;
  }
  return 0;
}

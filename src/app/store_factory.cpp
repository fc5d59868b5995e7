#include "app/store_factory.hpp"

#include "store/sqlite/sqlite_store.hpp"

namespace parley::app {

core::Result<std::unique_ptr<store::Store>> open_store(const core::Config& config) {
  auto s = store::sqlite::SqliteStore::open(config.effective_database_path());
  if (!s) return std::unexpected(s.error());
  return std::unique_ptr<store::Store>(std::move(*s));
}

}  // namespace parley::app

#pragma once
// Versioned schema migrations. Version N is migrations()[N-1]; applied ones are listed in
// schema_migrations and never edited: a change to the schema is a new entry at the end.
#include <span>
#include <string_view>

namespace parley::store::sqlite {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

std::span<const Migration> migrations();

}  // namespace parley::store::sqlite

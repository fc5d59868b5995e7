#pragma once
// A thin RAII layer over one sqlite3 connection with a prepared-statement cache.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/error.hpp"

namespace parley::store::sqlite {

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();  // resets for reuse from the cache
  Statement(Statement&& o) noexcept : stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::string_view v);
  Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, bool v) { return bind(i, static_cast<std::int64_t>(v ? 1 : 0)); }
  Statement& bind(int i, double v);
  Statement& bind(int i, const std::optional<std::string>& v);
  Statement& bind(int i, const std::optional<std::int64_t>& v);
  Statement& bind(int i, const std::optional<int>& v) { return v ? bind(i, *v) : bind_null(i); }
  Statement& bind_null(int i);

  // true: a row is ready; false: done. Errors carry SQLite's message, and a unique or foreign-key
  // violation becomes Errc::conflict.
  core::Result<bool> step();
  core::Status run();  // steps to completion

  std::string text(int col) const;
  std::optional<std::string> opt_text(int col) const;
  std::int64_t integer(int col) const;
  std::optional<std::int64_t> opt_integer(int col) const;
  double real(int col) const;

 private:
  sqlite3_stmt* stmt_;
};

class Connection {
 public:
  static core::Result<std::unique_ptr<Connection>> open(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  core::Status exec(std::string_view sql);  // one or more statements, no results
  core::Result<Statement> prepare(const std::string& sql);  // cached by SQL text
  std::int64_t changes() const { return sqlite3_changes64(db_); }
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() succeeds. IMMEDIATE takes the write lock
// up front so two writers never deadlock upgrading a read lock.
// BEGIN IMMEDIATE ... COMMIT; inside a transaction already (a group commit), a savepoint instead,
// so the method's writes still stand or fall together.
class Transaction {
 public:
  static core::Result<Transaction> begin(Connection& c);
  Transaction(Transaction&& o) noexcept : c_(o.c_), nested_(o.nested_) { o.c_ = nullptr; }
  ~Transaction();
  core::Status commit();

 private:
  Transaction(Connection& c, bool nested) : c_(&c), nested_(nested) {}
  Connection* c_;
  bool nested_;
};

}  // namespace parley::store::sqlite

#pragma once
// Small helpers shared by the SQLite store's translation units: error propagation, SQL built once,
// and row mapping over cached statements.
#include <string>
#include <vector>

#include "core/error.hpp"
#include "store/sqlite/connection.hpp"

namespace parley::store::sqlite {

using core::Errc;
using core::fail;
using core::Result;
using core::Status;

// SQL text that depends only on constants: formatted on first use, then reused (statements are
// cached by their text, so it must also be identical each time).
template <class F>
const std::string& sql_once(F&& make) {
  static const std::string sql = make();
  return sql;
}

// Propagates an error out of a function returning Result/Status.
#define PARLEY_TRY(var, expr)                         \
  auto var = (expr);                                  \
  if (!var) return std::unexpected(var.error())

// Runs a SELECT and maps every row.
template <class T, class Reader, class Binder>
Result<std::vector<T>> query(Connection& c, const std::string& sql, Binder&& bind, Reader&& read) {
  PARLEY_TRY(stmt, c.prepare(sql));
  bind(*stmt);
  std::vector<T> out;
  for (;;) {
    PARLEY_TRY(row, stmt->step());
    if (!*row) break;
    out.push_back(read(*stmt));
  }
  return out;
}

template <class T, class Reader, class Binder>
Result<T> query_one(Connection& c, const std::string& sql, Binder&& bind, Reader&& read, std::string_view what) {
  PARLEY_TRY(rows, (query<T>(c, sql, bind, read)));
  if (rows->empty()) return fail(Errc::not_found, std::string(what) + " not found");
  return std::move(rows->front());
}

Result<std::int64_t> scalar(Connection& c, const std::string& sql, auto&& bind) {
  PARLEY_TRY(rows, (query<std::int64_t>(c, sql, bind, [](const Statement& s) { return s.integer(0); })));
  return rows->empty() ? 0 : rows->front();
}
}  // namespace parley::store::sqlite

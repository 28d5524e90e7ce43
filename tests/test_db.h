// Test databases for every test binary: a fresh, empty database per call, on SQLite or on
// the PostgreSQL that tools/with-postgres.sh started (ORDO_TEST_PG_URL).
//
// Without ORDO_TEST_PG_URL, fresh_postgres_url() throws, which fails the calling test:
// PostgreSQL tests never skip silently. SQLite files live in one per-process temp dir,
// removed at exit; PostgreSQL databases are dropped at exit unless ORDO_TEST_KEEP_DB=1.
// Thread-safe.
//
// Name clash: inside `namespace ordo`, `testing::Test` now finds ordo::testing; write
// `::testing::Test`, `::testing::Values`, … there.
//
//   class StoreTest : public ::testing::TestWithParam<std::string> {};
//   TEST_P(StoreTest, Works) { auto url = ordo::testing::fresh_url(GetParam()); ... }
//   INSTANTIATE_TEST_SUITE_P(Db, StoreTest, ::testing::ValuesIn(ordo::testing::backends()));
#pragma once

#include <string>
#include <vector>

namespace ordo::testing {

// "sqlite:/tmp/ordo-test-XXXXXX/db-N.db": a path no one has used yet.
std::string fresh_sqlite_url();

// Creates database t_<random hex> on the ORDO_TEST_PG_URL server and returns that URL with
// the database name replaced. Throws std::runtime_error if the variable is unset or the
// server cannot be reached.
std::string fresh_postgres_url();

// {"sqlite", "postgres"}: the parameter values for INSTANTIATE_TEST_SUITE_P.
std::vector<std::string> backends();

// fresh_sqlite_url() or fresh_postgres_url(); throws std::invalid_argument otherwise.
std::string fresh_url(const std::string& backend);

// `url` (a postgresql:// URI or a key=value conninfo) with its database replaced by `db`.
// Exposed for tests.
std::string with_database_for_test(const std::string& url, const std::string& db);

}  // namespace ordo::testing

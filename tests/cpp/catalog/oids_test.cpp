// Registered objects get the OIDs PostgreSQL 15 gives the same objects created in the same
// order on a fresh cluster (CREATE TABLE users …; CREATE TABLE orders …; CREATE SCHEMA sales),
// with the TOAST tables, keys and foreign-key triggers PostgreSQL makes.
#include "engine_fixture.hpp"

namespace riffq::catalog::testing {
namespace {

using Oids = CatalogFixture;

TEST_F(Oids, SameOidsAsPostgresForTheSameDdl) {
  EXPECT_EQ(
      rows("SELECT oid, relname, relkind, reltoastrelid FROM pg_class WHERE oid >= 16384 "
           "ORDER BY oid"),
      (Rows{"16384|users|r|16388", "16388|pg_toast_16384|t|0", "16389|pg_toast_16384_index|i|0",
            "16390|users_pkey|i|0", "16392|orders|r|0", "16395|orders_pkey|i|0"}));
  EXPECT_EQ(rows("SELECT oid, typname FROM pg_type WHERE oid >= 16384 ORDER BY oid"),
            (Rows{"16385|_users", "16386|users", "16393|_orders", "16394|orders"}));
  EXPECT_EQ(rows("SELECT oid, conname, connoinherit FROM pg_constraint WHERE oid >= 16384 ORDER "
                 "BY oid"),
            (Rows{"16391|users_pkey|t", "16396|orders_pkey|t", "16397|orders_user_id_fkey|t"}));
  EXPECT_EQ(one("SELECT oid, nspname FROM pg_namespace WHERE oid >= 16384"), "16402|sales");
}

TEST_F(Oids, ForeignKeysHaveTheirInternalTriggers) {
  EXPECT_EQ(rows("SELECT oid, tgname, tgrelid::regclass, tgfoid::regproc, tgtype FROM pg_trigger "
                 "WHERE oid >= 16384 ORDER BY oid"),
            (Rows{"16398|RI_ConstraintTrigger_a_16398|users|\"RI_FKey_noaction_del\"|9",
                  "16399|RI_ConstraintTrigger_a_16399|users|\"RI_FKey_noaction_upd\"|17",
                  "16400|RI_ConstraintTrigger_c_16400|orders|\"RI_FKey_check_ins\"|5",
                  "16401|RI_ConstraintTrigger_c_16401|orders|\"RI_FKey_check_upd\"|17"}));
}

TEST_F(Oids, IndexesUseTheDefaultOperatorClasses) {
  EXPECT_EQ(rows("SELECT indexrelid::regclass, indclass FROM pg_index WHERE indrelid IN "
                 "('users'::regclass, 'orders'::regclass) ORDER BY 1"),
            (Rows{"users_pkey|1978", "orders_pkey|3124"}));
}

}  // namespace
}  // namespace riffq::catalog::testing

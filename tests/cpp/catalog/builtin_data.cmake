# Tests of the embedded PostgreSQL 15 catalog data (riffq_catalog_data).
# include()d from the catalog tests' CMakeLists.txt.
include(GoogleTest)

add_executable(riffq_catalog_data_test "${CMAKE_CURRENT_LIST_DIR}/builtin_data_test.cpp")
target_link_libraries(riffq_catalog_data_test PRIVATE riffq_catalog_data GTest::gtest_main
                                                      riffq_warnings)
gtest_discover_tests(riffq_catalog_data_test TEST_PREFIX "catalog." DISCOVERY_TIMEOUT 30)

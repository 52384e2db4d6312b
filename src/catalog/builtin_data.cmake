# Built-in PostgreSQL 15 catalog data (data/catalog/pg15_catalog.txt, written by
# scripts/dump_pg15_catalog.py), embedded with .incbin, and its reader.
# include()d from src/catalog/CMakeLists.txt; defines the static library riffq_catalog_data.

enable_language(ASM)

set(RIFFQ_CATALOG_DATA_FILE "${CMAKE_CURRENT_LIST_DIR}/../../data/catalog/pg15_catalog.txt")
cmake_path(NORMAL_PATH RIFFQ_CATALOG_DATA_FILE)
set(_riffq_catalog_blob "${CMAKE_CURRENT_LIST_DIR}/builtin_data_blob.S")

add_library(riffq_catalog_data STATIC
  "${CMAKE_CURRENT_LIST_DIR}/builtin_data.cpp"
  "${_riffq_catalog_blob}")
target_include_directories(riffq_catalog_data PUBLIC "${CMAKE_CURRENT_LIST_DIR}/../../include")
target_link_libraries(riffq_catalog_data PRIVATE riffq_warnings)

# The assembler reads the data file itself: rebuild the blob when the file changes, and keep
# compiler caches (ccache cannot see .incbin inputs) away from it.
set_source_files_properties("${_riffq_catalog_blob}" PROPERTIES
  COMPILE_DEFINITIONS "RIFFQ_CATALOG_DATA_PATH=\"${RIFFQ_CATALOG_DATA_FILE}\""
  OBJECT_DEPENDS "${RIFFQ_CATALOG_DATA_FILE}")
set_target_properties(riffq_catalog_data PROPERTIES ASM_COMPILER_LAUNCHER "")

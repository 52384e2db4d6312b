/* The PostgreSQL 15 catalog data file (data/catalog/pg15_catalog.txt), embedded in read-only
   data. RIFFQ_CATALOG_DATA_PATH (a quoted absolute path) comes from builtin_data.cmake, which
   also makes this object depend on the data file. builtin_data.cpp reads the bytes between
   riffq_catalog_data_begin and riffq_catalog_data_end; a NUL follows them. */

  .section .rodata.riffq_catalog_data, "a", @progbits
  .global riffq_catalog_data_begin
  .hidden riffq_catalog_data_begin
  .type riffq_catalog_data_begin, @object
  .global riffq_catalog_data_end
  .hidden riffq_catalog_data_end
  .type riffq_catalog_data_end, @object
  .balign 16
riffq_catalog_data_begin:
  .incbin RIFFQ_CATALOG_DATA_PATH
riffq_catalog_data_end:
  .byte 0
  .size riffq_catalog_data_begin, riffq_catalog_data_end - riffq_catalog_data_begin
  .size riffq_catalog_data_end, 1

  .section .note.GNU-stack, "", @progbits

# SPDX-License-Identifier: BSD-3-Clause
# differential_data: the data of write requests (control structures and
# written values) as mmsgatectl replay --json prints them, against tshark's
# decoding, on generated captures and the public ones (skipped with a
# message when absent). See tests/scripts/differential_data.py.
find_program(MG_PYTHON3 python3)
find_program(MG_TSHARK tshark)
if(MG_PYTHON3 AND TARGET mmsgatectl AND TARGET mmsgate-gen)
  add_test(NAME differential_data
    COMMAND ${MG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/scripts/differential_data.py
      --tshark ${MG_TSHARK}
      --replay $<TARGET_FILE:mmsgatectl>
      --gen $<TARGET_FILE:mmsgate-gen>
      --outdir ${CMAKE_BINARY_DIR}
      --public ${CMAKE_SOURCE_DIR}/../shared/pcaps/public)
  set_tests_properties(differential_data PROPERTIES
    LABELS "integration;differential" SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()

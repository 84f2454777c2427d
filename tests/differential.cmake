# SPDX-License-Identifier: BSD-3-Clause
# differential_tshark: mmsgatectl replay --json against tshark on the
# generator's scenarios (written at test time into the build dir) and on
# every public capture with MMS under ../shared/pcaps/public (skipped with a
# message when absent). See tests/scripts/differential.py for the rules.
find_program(MG_PYTHON3 python3)
find_program(MG_TSHARK tshark)
if(MG_PYTHON3 AND TARGET mmsgatectl AND TARGET mmsgate-gen)
  add_test(NAME differential_tshark
    COMMAND ${MG_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/scripts/differential.py
      --tshark ${MG_TSHARK}
      --replay $<TARGET_FILE:mmsgatectl>
      --gen $<TARGET_FILE:mmsgate-gen>
      --outdir ${CMAKE_BINARY_DIR}
      --public ${CMAKE_SOURCE_DIR}/../shared/pcaps/public
      --allow ${CMAKE_CURRENT_SOURCE_DIR}/scripts/differential_allow.txt)
  set_tests_properties(differential_tshark PROPERTIES
    LABELS "integration;differential" SKIP_RETURN_CODE 77 TIMEOUT 900)
endif()

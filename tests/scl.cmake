# SPDX-License-Identifier: BSD-3-Clause
# policy from-scl: the unit test needs the SCL library (libxml2); the CLI
# checks exit codes (bad file 1, usage 2) and that the output passes
# `policy check`.
target_link_libraries(test_scl PRIVATE mgscl)
add_test(NAME scl_cli COMMAND ${CMAKE_COMMAND} -DCTL=$<TARGET_FILE:mmsgatectl>
  -DDIR=${CMAKE_CURRENT_SOURCE_DIR}/scl -DOUT=${CMAKE_CURRENT_BINARY_DIR}/scl_cli
  -P ${CMAKE_CURRENT_SOURCE_DIR}/scl/cli.cmake)
set_tests_properties(scl_cli PROPERTIES LABELS "unit;policy")
# From an SCD to the wire through the DPDK dataplane (root; net_pcap ports).
if(TARGET mmsgate)
  add_test(NAME dp_scl COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/scripts/dp_scl.py
    $<TARGET_FILE:mmsgate> $<TARGET_FILE:mmsgatectl> ${CMAKE_SOURCE_DIR}
    ${CMAKE_CURRENT_BINARY_DIR}/dp_scl)
  set_tests_properties(dp_scl PROPERTIES LABELS "dataplane;integration"
    SKIP_RETURN_CODE 77 TIMEOUT 120 RUN_SERIAL TRUE)
endif()

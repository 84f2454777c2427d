# SPDX-License-Identifier: BSD-3-Clause
# The appliance (issue 16): --help everywhere, the configuration file, the
# Prometheus text, denied-traffic captures, the daemon run as systemd would
# run it, and the installed package.
if(TARGET mmsgatectl)
  set(_dp -)
  set(_xdp -)
  if(TARGET mmsgate)
    set(_dp $<TARGET_FILE:mmsgate>)
  endif()
  if(TARGET mmsgate-xdp)
    set(_xdp $<TARGET_FILE:mmsgate-xdp>)
  endif()
  add_test(NAME help_all COMMAND ${CMAKE_SOURCE_DIR}/tests/scripts/help_all.sh
    $<TARGET_FILE:mmsgatectl> ${_dp} ${_xdp})
  set_tests_properties(help_all PROPERTIES LABELS "unit;ctl" TIMEOUT 60)
endif()

# The configuration file parser is DPDK-free: compiled into its unit test.
if(TARGET test_conf)
  target_sources(test_conf PRIVATE ${CMAKE_SOURCE_DIR}/dataplane/conf.c)
  target_include_directories(test_conf PRIVATE ${CMAKE_SOURCE_DIR}/dataplane)
endif()

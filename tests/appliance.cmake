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

# The daemon as systemd runs it: config file only, notify socket, SIGHUP,
# /metrics through promtool, the capture directory through tshark.
if(TARGET mmsgate AND TARGET mggen AND NOT TARGET dp-scenario)
  add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/tools ${CMAKE_CURRENT_BINARY_DIR}/tools)
endif()
if(TARGET mmsgate AND TARGET mmsgatectl AND TARGET dp-scenario)
  add_test(NAME appliance_run COMMAND ${CMAKE_SOURCE_DIR}/tests/scripts/appliance_run.sh
    $<TARGET_FILE:mmsgate> $<TARGET_FILE:mmsgatectl> $<TARGET_FILE:dp-scenario>
    ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/appliance_run)
  set_tests_properties(appliance_run PROPERTIES LABELS "dataplane;integration" TIMEOUT 120
    SKIP_RETURN_CODE 77)
endif()

# Captures under load: rotation, retention, complete files, rate limit.
if(TARGET mmsgate AND TARGET dp-scenario)
  add_test(NAME appliance_capture COMMAND ${CMAKE_SOURCE_DIR}/tests/scripts/appliance_capture.sh
    $<TARGET_FILE:mmsgate> $<TARGET_FILE:dp-scenario> ${CMAKE_SOURCE_DIR}
    ${CMAKE_CURRENT_BINARY_DIR}/appliance_capture)
  set_tests_properties(appliance_capture PROPERTIES LABELS "dataplane;integration" TIMEOUT 120
    SKIP_RETURN_CODE 77)
endif()

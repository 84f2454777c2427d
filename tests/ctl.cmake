# SPDX-License-Identifier: BSD-3-Clause
# Control channel tests (issue 5): the protocol, server and client against a
# fake ops table (no DPDK), the mmsgatectl CLI against a fake daemon, and
# end-to-end tests against a real mmsgate on virtual devices when the
# dataplane is built.
pkg_check_modules(JANSSON REQUIRED IMPORTED_TARGET jansson)
find_package(Threads REQUIRED)

set(MG_CTL_TEST_COMMON
  ${CMAKE_SOURCE_DIR}/dataplane/ctl_server.c
  ${CMAKE_SOURCE_DIR}/ctlwire/ctl_proto.c
  ${CMAKE_SOURCE_DIR}/tests/ctl/fake_ops.c)

add_executable(test_ctl_server ${CMAKE_SOURCE_DIR}/tests/ctl/test_ctl_server.c
  ${CMAKE_SOURCE_DIR}/ctl/ctl_client.c ${MG_CTL_TEST_COMMON})
target_include_directories(test_ctl_server PRIVATE ${CMAKE_SOURCE_DIR}/ctl ${CMAKE_SOURCE_DIR}/ctlwire
  ${CMAKE_SOURCE_DIR}/dataplane ${CMAKE_SOURCE_DIR}/tests/ctl)
target_link_libraries(test_ctl_server PRIVATE PkgConfig::JANSSON PkgConfig::CRITERION Threads::Threads)
add_test(NAME test_ctl_server COMMAND test_ctl_server --jobs 1)
set_tests_properties(test_ctl_server PROPERTIES LABELS "unit;ctl" TIMEOUT 120)

add_executable(mg_ctl_fakesrv ${CMAKE_SOURCE_DIR}/tests/ctl/fake_daemon.c ${MG_CTL_TEST_COMMON})
target_include_directories(mg_ctl_fakesrv PRIVATE ${CMAKE_SOURCE_DIR}/ctl ${CMAKE_SOURCE_DIR}/ctlwire
  ${CMAKE_SOURCE_DIR}/dataplane ${CMAKE_SOURCE_DIR}/tests/ctl)
target_link_libraries(mg_ctl_fakesrv PRIVATE PkgConfig::JANSSON Threads::Threads)

if(TARGET mmsgatectl)
  add_test(NAME ctl_cli COMMAND ${CMAKE_SOURCE_DIR}/tests/scripts/ctl_cli.sh
    $<TARGET_FILE:mmsgatectl> $<TARGET_FILE:mg_ctl_fakesrv>)
  set_tests_properties(ctl_cli PROPERTIES LABELS "ctl" TIMEOUT 120)
endif()

# End to end: a real mmsgate bridging two network namespaces (needs root;
# skips with exit 77 otherwise), every command's --json, policy swaps under
# load (100 reloads), hostile socket input. The MMS test client/server live
# in tests/tools (shared with dataplane.cmake, which skips it when added).
if(TARGET mggen AND NOT TARGET dp-scenario)
  add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/tools ${CMAKE_CURRENT_BINARY_DIR}/tools)
endif()
if(TARGET mmsgate AND TARGET mmsgatectl AND TARGET mg-mms-server AND TARGET mg-mms-client)
  add_test(NAME ctl_e2e COMMAND ${CMAKE_SOURCE_DIR}/tests/scripts/ctl_e2e.sh
    $<TARGET_FILE:mmsgate> $<TARGET_FILE:mmsgatectl> $<TARGET_FILE:mg-mms-server>
    $<TARGET_FILE:mg-mms-client> ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/ctl_e2e 100)
  set_tests_properties(ctl_e2e PROPERTIES LABELS "ctl;integration;netns"
    SKIP_RETURN_CODE 77 TIMEOUT 600 RUN_SERIAL TRUE)
endif()

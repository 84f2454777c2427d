# SPDX-License-Identifier: BSD-3-Clause
# XDP mode tests: the unit test (test_xdp, crafted frames through
# bpf_prog_test_run_opts) needs the mgxdp library; the namespace test runs
# the real program on veths between two network namespaces. Both skip
# (exit 77 / Criterion skip) where BPF or namespaces are unavailable.
if(TARGET test_xdp AND TARGET mgxdp)
  target_link_libraries(test_xdp PRIVATE mgxdp)
  set_tests_properties(test_xdp PROPERTIES LABELS "unit;xdp")
endif()
# Driven through `mmsgatectl xdp …` when mmsgatectl is built (it links
# mgxdp), else through the standalone mmsgate-xdp (same command code).
if(TARGET mmsgatectl AND TARGET mgxdp)
  set(MG_XDP_CLI mmsgatectl)
else()
  set(MG_XDP_CLI mmsgate-xdp)
endif()
if(TARGET mmsgate-xdp)
  add_test(NAME xdp_netns
    COMMAND ${CMAKE_SOURCE_DIR}/tests/scripts/xdp_netns.sh
            $<TARGET_FILE:${MG_XDP_CLI}> ${CMAKE_BINARY_DIR}/ebpf)
  set_tests_properties(xdp_netns PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 400
    RUN_SERIAL TRUE LABELS "xdp;netns")
endif()

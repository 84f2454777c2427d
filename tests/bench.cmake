# SPDX-License-Identifier: BSD-3-Clause
# A short run of the pktgen benchmark harness (bench/run --smoke: mmsgate
# and dpdk-testpmd on memif pairs driven by mg-pktgen) so it never rots. It
# checks the result JSON's structure only, never a speed; exit 77 (skip)
# when not root or DPDK cannot start.
if(MG_BENCH AND TARGET mmsgate)
  add_test(NAME bench_smoke
    COMMAND python3 ${CMAKE_SOURCE_DIR}/bench/run --smoke --check
      --build ${CMAKE_BINARY_DIR} --out ${CMAKE_CURRENT_BINARY_DIR}/bench-smoke.json)
  set_tests_properties(bench_smoke PROPERTIES LABELS "bench;integration"
    SKIP_RETURN_CODE 77 TIMEOUT 120 RUN_SERIAL TRUE)
endif()

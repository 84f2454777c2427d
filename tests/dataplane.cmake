# SPDX-License-Identifier: BSD-3-Clause
# Dataplane integration tests: real mmsgate on net_pcap virtual devices fed
# with generated captures (inside/outside), outputs checked frame by frame
# (tests/scripts/dp_check.py, tshark for the RST segments).
if(NOT TARGET dp-scenario)
  add_subdirectory(${CMAKE_CURRENT_SOURCE_DIR}/tools ${CMAKE_CURRENT_BINARY_DIR}/tools)
endif()
if(TARGET mmsgate AND TARGET dp-scenario)
  foreach(case seed monitor flood ooo dispatch)
    add_test(NAME dp_${case}
      COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scripts/dp_run.sh ${case}
        $<TARGET_FILE:mmsgate> $<TARGET_FILE:dp-scenario> ${CMAKE_SOURCE_DIR}
        ${CMAKE_CURRENT_BINARY_DIR}/dp_${case})
    set_tests_properties(dp_${case} PROPERTIES LABELS "dataplane;integration"
      SKIP_RETURN_CODE 77 TIMEOUT 120)
  endforeach()
  if(TARGET mmsgate-gen)
    # The generator's scenarios through a permissive policy: segmentation,
    # every service, IPv6 in a VLAN pass byte-identical; S7comm/garbage on
    # port 102 are refused and reset.
    foreach(case segmentation services ipv6-vlan s7comm garbage)
      add_test(NAME dp_gen_${case}
        COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scripts/dp_run.sh gen-${case}
          $<TARGET_FILE:mmsgate> $<TARGET_FILE:mmsgate-gen> ${CMAKE_SOURCE_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/dp_gen_${case})
      set_tests_properties(dp_gen_${case} PROPERTIES LABELS "dataplane;integration"
        SKIP_RETURN_CODE 77 TIMEOUT 120)
    endforeach()
  endif()
  add_test(NAME dp_startup_errors
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scripts/dp_startup.sh $<TARGET_FILE:mmsgate>
      ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/dp_startup)
  set_tests_properties(dp_startup_errors PROPERTIES LABELS "dataplane;integration"
    SKIP_RETURN_CODE 77 TIMEOUT 120)
  add_test(NAME dp_policy_swap
    COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/scripts/dp_swap.py $<TARGET_FILE:mmsgate>
      ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/dp_swap)
  set_tests_properties(dp_policy_swap PROPERTIES LABELS "dataplane;integration"
    SKIP_RETURN_CODE 77 TIMEOUT 120)
endif()

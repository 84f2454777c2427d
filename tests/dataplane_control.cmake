# SPDX-License-Identifier: BSD-3-Clause
# dp_control: IEC 61850 control decisions on the dataplane (net_pcap ports,
# examples/control.policy); see tests/scripts/dp_control.sh.
if(TARGET mmsgate AND TARGET dp-scenario)
  add_test(NAME dp_control
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scripts/dp_control.sh $<TARGET_FILE:mmsgate>
      $<TARGET_FILE:dp-scenario> ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/dp_control)
  set_tests_properties(dp_control PROPERTIES LABELS "dataplane;integration"
    SKIP_RETURN_CODE 77 TIMEOUT 120 RUN_SERIAL TRUE)
endif()

# dp_refuse_fin: a refusal's answer still queued when the IED closes goes in
# before the IED's FIN (tests/scripts/dp_refuse_fin.sh).
if(TARGET mmsgate AND TARGET dp-scenario)
  add_test(NAME dp_refuse_fin
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scripts/dp_refuse_fin.sh $<TARGET_FILE:mmsgate>
      $<TARGET_FILE:dp-scenario> ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/dp_refuse_fin)
  set_tests_properties(dp_refuse_fin PROPERTIES LABELS "dataplane;integration"
    SKIP_RETURN_CODE 77 TIMEOUT 120 RUN_SERIAL TRUE)
endif()

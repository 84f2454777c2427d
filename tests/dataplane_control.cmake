# SPDX-License-Identifier: BSD-3-Clause
# Refusal and control semantics on the dataplane (net_pcap ports), through
# tests/scripts/dp_run.sh with checkers of their own:
#   dp_control     IEC 61850 control decisions under examples/control.policy
#                  (dp_control.py);
#   dp_refuse_fin  a refusal's answer still queued when the IED closes goes
#                  in before the IED's FIN (dp_refuse_fin.py);
#   dp_custody     custody of held bytes towards an IED that never answers:
#                  the custody ACK, resends backing off, the reset and its
#                  event (dp_custody.py); dp_custody6 over IPv6;
#   dp_custody_refuse  a refusal while the gate has custody of the client's
#                  bytes is carried out by reset (dp_custody_refuse.py);
#   dp_sack_refuse the gate's SACK of held bytes on a flow a refusal
#                  edited is numbered in its receiver's space (dp_sack_refuse.py).
if(TARGET mmsgate AND TARGET dp-scenario)
  foreach(pair "control:control" "refuse_fin:finq" "custody:custody" "custody6:custody6"
               "custody_refuse:custody-refuse" "sack_refuse:sack-refuse")
    string(REPLACE ":" ";" pair "${pair}")
    list(GET pair 0 name)
    list(GET pair 1 case)
    add_test(NAME dp_${name}
      COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scripts/dp_run.sh ${case}
        $<TARGET_FILE:mmsgate> $<TARGET_FILE:dp-scenario> ${CMAKE_SOURCE_DIR}
        ${CMAKE_CURRENT_BINARY_DIR}/dp_${name})
    set_tests_properties(dp_${name} PROPERTIES LABELS "dataplane;integration"
      SKIP_RETURN_CODE 77 TIMEOUT 120 RUN_SERIAL TRUE)
  endforeach()
endif()

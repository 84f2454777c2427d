# SPDX-License-Identifier: BSD-3-Clause
# Transport-level evasions of issue 11 (tests/gen/attacks.c): each capture
# refused with its reason and the operate never let through, legitimate
# retransmissions / keep-alives / zero-window probes / tiny segments pass;
# through `mmsgatectl replay` here, through the daemon in attacks_daemon.
if(NOT TARGET mmsgate-attacks OR NOT TARGET mmsgatectl)
  return()
endif()
find_program(MG_ATK_PYTHON3 python3)
if(NOT MG_ATK_PYTHON3)
  return()
endif()
add_test(NAME attacks_replay
  COMMAND sh -c "rm -rf \"$2\" && mkdir -p \"$2\" && \"$1\" \"$2\" && \
\"$0\" \"$4/tests/scripts/attack_check.py\" replay \"$3\" \"$2\" \"$4/tests/scripts/attack.policy\""
    ${MG_ATK_PYTHON3} $<TARGET_FILE:mmsgate-attacks> ${CMAKE_CURRENT_BINARY_DIR}/attacks_replay
    $<TARGET_FILE:mmsgatectl> ${CMAKE_SOURCE_DIR})
set_tests_properties(attacks_replay PROPERTIES LABELS "replay;integration" TIMEOUT 120)

# The same captures through the live daemon on net_pcap ports (one run for
# all of them): reasons from events and counters, the operate never in what
# the gate sent towards the IED, legitimate bytes all delivered.
if(TARGET mmsgate)
  add_test(NAME dp_attacks
    COMMAND sh -c "command -v tshark >/dev/null || exit 77; rm -rf \"$2\" && mkdir -p \"$2\" && \"$1\" \"$2\" && \
\"$0\" \"$4/tests/scripts/attack_check.py\" daemon \"$3\" \"$2\" \"$4/tests/scripts/attack.policy\" \"$4\""
      ${MG_ATK_PYTHON3} $<TARGET_FILE:mmsgate-attacks> ${CMAKE_CURRENT_BINARY_DIR}/dp_attacks
      $<TARGET_FILE:mmsgate> ${CMAKE_SOURCE_DIR})
  set_tests_properties(dp_attacks PROPERTIES LABELS "dataplane;integration" RUN_SERIAL TRUE
    SKIP_RETURN_CODE 77 TIMEOUT 120)
endif()

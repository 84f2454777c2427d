# SPDX-License-Identifier: BSD-3-Clause
# `mmsgatectl replay` smoke tests (owner: replay). Each capture test runs
# replay --json [--all], validates every JSON line and compares the MMS PDU
# count (and, with tshark installed, the exact frame set) with tshark's.
# Captures are read in place from ../shared; tests skip when it is absent.
if(NOT TARGET mmsgatectl)
  return()
endif()
find_package(Python3 COMPONENTS Interpreter)
set(MG_REPLAY_PCAPS ${CMAKE_SOURCE_DIR}/../shared/pcaps/public)

# name | capture | frames carrying MMS | MMS PDUs (tshark 4.0.17 frame counts)
set(MG_REPLAY_CASES
  "abb1|emreekin-ics-pcaps/substation/ABB1.pcap|1274|1285"       # pcapng, COTP segmentation, TSO frames
  "iccp|iti-ics-security-tools/8d7c7db0-9804-012b-b2a6-0016cb8cea27.pcap|163|163"
  "mms2|emreekin-ics-pcaps/mms2.pcap|1407|1426"
  "pres1_midstream|emreekin-ics-pcaps/pres1.pcap|81|81"          # mid-association, keep-alives
  "mms_goose|iti-ics-security-tools/Sample_File_MMS_and_GOOSE.pcap|29|36"
  "piccolo|iti-ics-security-tools/piccolo.pcap|5|5"
)
if(Python3_Interpreter_FOUND)
  foreach(case ${MG_REPLAY_CASES})
    string(REPLACE "|" ";" f "${case}")
    list(GET f 0 name)
    list(GET f 1 cap)
    list(GET f 2 nframes)
    list(GET f 3 npdus)
    add_test(NAME replay_${name}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/scripts/replay_check.py
              $<TARGET_FILE:mmsgatectl> ${MG_REPLAY_PCAPS}/${cap} ${nframes} ${npdus})
    set_tests_properties(replay_${name} PROPERTIES LABELS "replay;integration"
      SKIP_RETURN_CODE 77)
  endforeach()
else()
  message(STATUS "python3 not found: replay capture tests disabled")
endif()

# Command-line contract: usage errors exit 2, unreadable files exit 1.
add_test(NAME replay_cli_exit_codes
  COMMAND sh -c "\
\"$0\" --help >/dev/null || exit 1; \
\"$0\" replay --help >/dev/null || exit 1; \
\"$0\" replay 2>/dev/null; [ $? -eq 2 ] || { echo 'no CAPTURE: want 2'; exit 1; }; \
\"$0\" replay --bogus x 2>/dev/null; [ $? -eq 2 ] || { echo 'bad option: want 2'; exit 1; }; \
\"$0\" replay a b 2>/dev/null; [ $? -eq 2 ] || { echo 'two captures: want 2'; exit 1; }; \
\"$0\" nosuchcommand 2>/dev/null; [ $? -eq 2 ] || { echo 'bad command: want 2'; exit 1; }; \
\"$0\" replay /nonexistent/x.pcap 2>/dev/null; [ $? -eq 1 ] || { echo 'missing file: want 1'; exit 1; }; \
\"$0\" replay \"$1\" 2>/dev/null; [ $? -eq 1 ] || { echo 'not a capture: want 1'; exit 1; }; \
exit 0" $<TARGET_FILE:mmsgatectl> ${CMAKE_CURRENT_SOURCE_DIR}/replay.cmake)
set_tests_properties(replay_cli_exit_codes PROPERTIES LABELS replay)

/*
 * cmd_voice.h - `pyharness voice`: the speech tools behind `practice
 * --voice` (synthesise, transcribe, build the bank's language model, and
 * measure the word error rate of the bank model against the general one).
 */
#ifndef PH_CMD_VOICE_H
#define PH_CMD_VOICE_H

int cmd_voice_main(int argc, char **argv);

#endif

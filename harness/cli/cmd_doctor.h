/*
 * cmd_doctor.h - `pyharness doctor [--json]`: which sandbox layers work on
 * this machine, why the missing ones are missing, and a live self-test that
 * starts one confined run.  Owns nothing.
 */
#ifndef PH_CMD_DOCTOR_H
#define PH_CMD_DOCTOR_H

/* argv[0] is "doctor".  Returns the process exit status: 0 when every layer
 * is active, 1 when some are missing (runs still work, less confined), 2 for
 * bad usage, 3 when a confined run cannot even start. */
int cmd_doctor_main(int argc, char **argv);

#endif

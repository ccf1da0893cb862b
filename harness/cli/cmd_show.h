/* cmd_show.h - `pyharness show RESULT.json | --store DB --id N`: render a
 * saved result again, from the result alone. */
#ifndef PH_CMD_SHOW_H
#define PH_CMD_SHOW_H

/* argv[0] is "show".  Returns the process exit status (cli.h). */
int cmd_show_main(int argc, char **argv);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * A 32-bit (i386) program for test_syscall: makes one system call through
 * the C library's 32-bit entry (the vDSO's sysenter/syscall, i.e.
 * ia32_sys_call) and exits with 0 on success or the errno.
 *
 * Built with -m32 -static; plain C so that it also builds natively.
 *
 *   helper_i386 mkdir PATH      mkdir(PATH, 0755)
 *   helper_i386 socket DOMAIN   socket(DOMAIN, SOCK_DGRAM or SEQPACKET, 0)
 *   helper_i386 getpid          getpid()
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	long ret;

	if (argc < 2)
		return 100;
	if (!strcmp(argv[1], "mkdir") && argc == 3) {
		ret = syscall(SYS_mkdir, argv[2], 0755);
	} else if (!strcmp(argv[1], "socket") && argc == 3) {
		long dom = strtol(argv[2], NULL, 0);

		/* socket(2) itself, not socketcall(2) */
		ret = syscall(SYS_socket, dom,
			      dom == 38 ? SOCK_SEQPACKET : SOCK_DGRAM, 0);
		if (ret >= 0)
			close((int)ret);
	} else if (!strcmp(argv[1], "getpid")) {
		ret = syscall(SYS_getpid);
	} else {
		return 101;
	}
	return ret < 0 ? errno : 0;
}

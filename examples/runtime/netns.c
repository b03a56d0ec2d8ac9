/*
 * examples/runtime/netns.c - probe sockets made inside a pod's network
 * namespace.  The OCI backend's pods have a network namespace of their own
 * with only loopback; a socket keeps the namespace it was created in, so
 * the engine's built-in httpGet, tcpSocket and gRPC handlers connect from
 * the host to the pod's own 127.0.0.1 through it (doc/guide.md, "Probes").
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rt_int.h"

int rt_netns_socket(void *ud, const podlife_probe_request *req, int domain, int type,
                    int protocol)
{
	(void)ud;
	if (!req->netns_path || !req->netns_path[0])
		return socket(domain, type, protocol); /* host network */
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int pod = open(req->netns_path, O_RDONLY | O_CLOEXEC);
	int fd = -1, saved = 0;
	/* setns changes only the calling thread (the engine's), for the
	 * length of this call */
	if (self >= 0 && pod >= 0 && setns(pod, CLONE_NEWNET) == 0) {
		fd = socket(domain, type, protocol);
		saved = errno;
		if (setns(self, CLONE_NEWNET) != 0) {
			/* cannot go back: a thread left in the pod's namespace
			 * would make every later socket wrong, so give up loudly */
			if (fd >= 0)
				close(fd);
			fd = -1;
			saved = errno;
		}
	} else {
		saved = errno;
	}
	if (self >= 0)
		close(self);
	if (pod >= 0)
		close(pod);
	errno = saved;
	return fd;
}

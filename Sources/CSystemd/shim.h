// libsystemd for Swift: journald (sd_journal_sendv) and the service manager protocol (sd_notify).
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <systemd/sd-daemon.h>

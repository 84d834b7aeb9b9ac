// Which socket cpp-httplib just accepted, so that a connection over the
// connection limit can be refused before any thread reads from it.
//
// cpp-httplib (a shared library) accepts connections with accept(2) on its
// listening thread and then hands a closure to the TaskQueue, which does not
// show the socket. accept_hook.cc defines accept() in ledgerd itself, which
// the dynamic linker binds cpp-httplib's call to (symbol interposition); it
// calls the C library's accept and remembers the result per thread.
// ConnectionPool::enqueue, called on that same thread right after, takes it.
//
// If the interposition is not in effect (a statically linked cpp-httplib),
// TakeAcceptedSocket answers -1 and the pool falls back to refusing on a
// refusal thread (api/connection_pool.h).
#ifndef LEDGER_API_ACCEPT_HOOK_H_
#define LEDGER_API_ACCEPT_HOOK_H_

namespace ledger::api {

// The socket accept() last returned on this thread, once; -1 if none.
int TakeAcceptedSocket();

}  // namespace ledger::api

#endif  // LEDGER_API_ACCEPT_HOOK_H_

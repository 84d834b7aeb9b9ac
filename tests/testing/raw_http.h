// Raw HTTP/1.1 on a loopback socket, for tests that must see what a
// connection does between requests (after a refused body) and which
// httplib::Client hides.
#ifndef LEDGER_TESTS_TESTING_RAW_HTTP_H_
#define LEDGER_TESTS_TESTING_RAW_HTTP_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

namespace ledger::testing {

// Sends each of `requests` on one new connection to 127.0.0.1:`port`,
// the next once the answer to the previous one has come (httplib serves a
// connection one request at a time), and returns the status codes of the
// answers in order; fewer when the server closed the connection, sent
// something that is not an answer, or was silent for 10 s. Each request is
// written from another thread, so that a server answering before it has read
// a body cannot block the writer. -1 alone: no connection.
inline std::vector<int> StatusesOnOneConnection(int port, const std::vector<std::string>& requests) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return {-1};
  }
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::string got;
  std::vector<int> statuses;
  char buf[65536];
  bool open = true;
  for (const std::string& request : requests) {
    std::thread writer([&] { send(fd, request.data(), request.size(), MSG_NOSIGNAL); });
    bool answered = false;
    while (open && !answered) {
      const size_t end = got.find("\r\n\r\n");
      if (end != std::string::npos) {
        const std::string head = got.substr(0, end);
        const size_t cl = head.find("Content-Length: ");
        const size_t len = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 16));
        if (got.size() >= end + 4 + len) {
          if (!head.starts_with("HTTP/1.1 ")) {
            open = false;
            break;
          }
          statuses.push_back(std::stoi(head.substr(9, 3)));
          got.erase(0, end + 4 + len);
          answered = true;
          break;
        }
      }
      const ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n <= 0) {
        open = false;
        break;
      }
      got.append(buf, static_cast<size_t>(n));
    }
    if (!open) shutdown(fd, SHUT_RDWR);  // ends a write the server stopped reading
    writer.join();
    if (!open) break;
  }
  close(fd);
  return statuses;
}

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_TESTING_RAW_HTTP_H_

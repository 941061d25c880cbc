// cxx_threads.cpp: std::thread, std::mutex, std::condition_variable,
// exceptions thrown and caught in threads, std::chrono sleeps.
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>
int main() {
	std::mutex m; std::condition_variable cv; int done = 0; long total = 0;
	std::vector<std::thread> ts;
	for (int i = 0; i < 8; i++)
		ts.emplace_back([&, i] {
			try { if (i % 2) throw std::runtime_error("odd " + std::to_string(i)); }
			catch (const std::exception &e) { std::lock_guard<std::mutex> g(m); total += e.what()[4] - '0'; }
			std::this_thread::sleep_for(std::chrono::milliseconds(5));
			std::lock_guard<std::mutex> g(m); done++; cv.notify_one();
		});
	{ std::unique_lock<std::mutex> l(m); cv.wait(l, [&] { return done == 8; }); }
	for (auto &t : ts) t.join();
	auto t0 = std::chrono::steady_clock::now();
	std::this_thread::sleep_for(std::chrono::milliseconds(30));
	auto el = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
	std::cout << "done=" << done << " total=" << total << " slept_ok=" << (el >= 30) << std::endl;
	return 0;
}

// cxx.cpp: a dynamically linked C++ program (libstdc++, libgcc_s):
// exceptions thrown inside libstdc++ and caught here, std::thread with a
// mutex, iostreams, containers, RTTI.
#include <iostream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <typeinfo>
#include <vector>

struct Base { virtual ~Base() {} };
struct Derived : Base {};

int main(int argc, char **argv)
{
	int caught = 0;
	try { std::vector<int>(3).at(7); } catch (const std::out_of_range &) { caught++; }
	try { (void)std::stoi("not a number"); } catch (const std::invalid_argument &) { caught++; }
	try { throw std::runtime_error("mine"); } catch (const std::exception &e) { caught += std::string(e.what()) == "mine"; }
	std::cout << "caught " << caught << std::endl;

	std::mutex m;
	std::map<int, long> sums;
	std::vector<std::thread> ts;
	for (int t = 0; t < 4; t++)
		ts.emplace_back([&, t] {
			long s = 0;
			for (int i = 0; i < 100000; i++)
				s += i % (t + 2);
			try { if (t % 2) throw t; } catch (int v) { s += v; }
			std::lock_guard<std::mutex> g(m);
			sums[t] = s;
		});
	for (auto &t : ts)
		t.join();
	for (auto &kv : sums)
		std::cout << "thread " << kv.first << " sum " << kv.second << "\n";
	Base *b = new Derived;
	std::cout << "dynamic_cast " << (dynamic_cast<Derived *>(b) != nullptr)
		  << " typeid " << (typeid(*b) == typeid(Derived)) << std::endl;
	delete b;
	std::cout << "args " << argc - 1 << (argc > 1 ? std::string(" ") + argv[1] : "") << std::endl;
	return 0;
}

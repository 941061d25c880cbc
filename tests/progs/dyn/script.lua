-- script.lua: Debian's lua5.4 running a script: tables, closures,
-- coroutines, string formatting, a file in /tmp, arguments, exit status.
local t = {}
for i = 1, 10 do t[#t + 1] = i * i end
print(table.concat(t, ","))
local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c = counter(); c(); c()
print("closure", c())
local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * 10) end end)
print("coroutine", co(), co(), co())
print(string.format("%5.2f %s %q", math.pi, ("ab"):rep(3), "q\"x"))
local words = {}
for w in ("the quick brown fox"):gmatch("%a+") do words[#words + 1] = w:upper() end
table.sort(words)
print(table.concat(words, " "))
local name = "/tmp/htux-lua.txt"
local f = assert(io.open(name, "w"))
for i = 1, 3 do f:write("line", i, "\n") end
f:close()
local n = 0
for l in io.lines(name) do n = n + #l end
os.remove(name)
print("file bytes", n, io.open(name) == nil)
print("args", #arg, arg[1], arg[2])
print("integer", math.maxinteger, 7 // 2, 7 / 2)
os.exit(tonumber(arg[1]) or 0)

/* Serve.java (tests/boot/java.sh): a com.sun.net.httpserver.HttpServer
 * on port args[0]; it answers every request with its URI and exits with
 * status 0 after answering /stop. */
import com.sun.net.httpserver.*;
import java.io.*;
import java.net.*;

public class Serve {
	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		HttpServer s = HttpServer.create(new InetSocketAddress(port), 0);
		s.createContext("/", ex -> {
			byte[] b = ("hello from java " + ex.getRequestURI() + "\n").getBytes();
			ex.sendResponseHeaders(200, b.length);
			try (OutputStream o = ex.getResponseBody()) {
				o.write(b);
			}
			if (ex.getRequestURI().getPath().equals("/stop")) {
				s.stop(0);
				System.exit(0);
			}
		});
		s.start();
		System.out.println("listening " + port);
	}
}

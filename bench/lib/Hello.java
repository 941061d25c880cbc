// Hello.java: the class bench/java runs in both guests (java -cp /bench
// Hello): starts the JVM, prints one line, exits 0.
public class Hello {
	public static void main(String[] args) {
		System.out.println("hello from java");
	}
}

import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles and runs HumanEval-X Java programs, many in one JVM (JVM start-up dominates the cost).
 *
 * Usage: java HumanEvalHarness TIMEOUT_MS COMPILE_TIMEOUT_MS LIST_FILE. Each line of LIST_FILE names a problem folder
 * holding Main.java. For each folder in order: compile it in-process (javax.tools, one shared file
 * manager) into FOLDER/classes, load its Main from a class loader of its own (fresh statics, no
 * name clashes between problems), run main() in a thread with a wall-clock timeout.
 *
 * Protocol on the real stdout, one line each, flushed: "@@START NONCE i", then "@@RESULT NONCE i KIND
 * detail" with KIND in pass, compile, runtime, assertion, timeout. NONCE is the first line of stdin,
 * read before any program runs and kept in a local variable, so a program that writes to the real
 * stdout itself cannot forge a line. The programs' own output is discarded.
 * After a timeout or a VirtualMachineError the JVM is no longer trusted: it reports and halts, and
 * the caller starts a new JVM for the folders left. A program that calls System.exit ends the JVM
 * without a RESULT line: the caller counts it as a runtime failure and goes on in a new JVM.
 */
public final class HumanEvalHarness {
    private static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        long timeoutMs = Long.parseLong(args[0]);
        long compileTimeoutMs = Long.parseLong(args[1]);
        List<String> folders = Files.readAllLines(Path.of(args[2]), StandardCharsets.UTF_8);
        String nonce = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine().trim();
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(sink);
        System.setErr(sink);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        StandardJavaFileManager files = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
        for (int i = 0; i < folders.size(); i++) {
            String folder = folders.get(i).trim();
            if (folder.isEmpty()) {
                continue;
            }
            OUT.println("@@START " + nonce + " " + i);
            File dir = new File(folder);
            String[] error = new String[1];
            Thread compiling = new Thread(() -> {
                try {
                    error[0] = compile(compiler, files, dir);
                } catch (Throwable e) {
                    error[0] = "compiler crashed: " + e;
                }
            }, "compile");
            compiling.setDaemon(true);
            compiling.start();
            compiling.join(compileTimeoutMs);
            if (compiling.isAlive()) {
                report(nonce, i, "compile", "the compiler ran past " + compileTimeoutMs + " ms");
                Runtime.getRuntime().halt(3);
            }
            if (error[0] != null) {
                report(nonce, i, "compile", error[0]);
                continue;
            }
            String[] outcome = run(new File(dir, "classes"), timeoutMs);
            report(nonce, i, outcome[0], outcome[1]);
            if (outcome[0].equals("timeout") || outcome[1].startsWith("java.lang.OutOfMemoryError")
                    || outcome[1].startsWith("java.lang.StackOverflowError") || outcome[1].startsWith("java.lang.InternalError")) {
                Runtime.getRuntime().halt(3);
            }
        }
        Runtime.getRuntime().halt(0);
    }

    private static void report(String nonce, int i, String kind, String detail) {
        String oneLine = detail.replaceAll("\\s+", " ").trim();
        if (oneLine.length() > 300) {
            oneLine = oneLine.substring(0, 300);
        }
        OUT.println("@@RESULT " + nonce + " " + i + " " + kind + " " + oneLine);
    }

    /** Null when it compiled, else the first errors. */
    private static String compile(JavaCompiler compiler, StandardJavaFileManager files, File dir) throws Exception {
        File classes = new File(dir, "classes");
        classes.mkdirs();
        files.setLocation(StandardLocation.CLASS_OUTPUT, List.of(classes));
        files.setLocation(StandardLocation.CLASS_PATH, List.of(classes));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Iterable<? extends JavaFileObject> units = files.getJavaFileObjects(new File(dir, "Main.java"));
        List<String> options = List.of("-proc:none", "-nowarn", "-Xlint:none", "-encoding", "UTF-8", "-implicit:none");
        StringWriter noise = new StringWriter();
        boolean ok;
        try {
            ok = compiler.getTask(noise, files, diagnostics, options, null, units).call();
        } catch (RuntimeException e) {
            return "compiler crashed: " + e;
        }
        if (ok) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                text.append("line ").append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT)).append("; ");
            }
        }
        return text.length() > 0 ? text.toString() : "compilation failed";
    }

    /** {kind, detail}: pass, assertion, runtime or timeout. */
    private static String[] run(File classes, long timeoutMs) throws Exception {
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toURI().toURL()}, HumanEvalHarness.class.getClassLoader().getParent());
        loader.setDefaultAssertionStatus(true);
        Throwable[] failure = new Throwable[1];
        Thread worker = new Thread(null, () -> {
            try {
                Method main = Class.forName("Main", true, loader).getMethod("main", String[].class);
                main.invoke(null, (Object) new String[0]);
            } catch (InvocationTargetException e) {
                failure[0] = e.getCause();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "problem", 256L << 20);
        worker.setDaemon(true);
        worker.start();
        worker.join(timeoutMs);
        if (worker.isAlive()) {
            return new String[] {"timeout", "no result after " + timeoutMs + " ms"};
        }
        loader.close();
        Throwable t = failure[0];
        if (t == null) {
            return new String[] {"pass", ""};
        }
        if (t instanceof AssertionError) {
            return new String[] {"assertion", t.toString()};
        }
        return new String[] {"runtime", t.toString()};
    }
}

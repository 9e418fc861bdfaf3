package io.lb4j.benchmarks.docs;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import org.junit.jupiter.api.Test;

import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every public type and member of the four library modules has a doc comment (javadoc's doclint runs with
 * "missing" off, since it would also demand an {@code @param} for every parameter). Overrides inherit theirs.
 * Parses the sources with the JDK's compiler tree API; nothing is compiled.
 */
class JavadocCoverageTest {
    private static final List<String> MODULES = List.of("lb-api", "lb-algorithms", "lb-okhttp", "lb-jdbc");

    @Test
    void everyPublicTypeAndMemberOfTheLibraryModulesIsDocumented() throws IOException {
        List<Path> sources = new ArrayList<>();
        for (String module : MODULES) {
            Path root = Path.of("..", module, "src", "main", "java");
            assertThat(root).as("sources of " + module).isDirectory();
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).forEach(sources::add);
            }
        }
        assertThat(sources).hasSizeGreaterThan(50);
        List<String> missing = undocumented(sources);
        assertThat(missing).as("public API without a doc comment").isEmpty();
    }

    @Test
    void findsWhatIsMissingAndNothingElse(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("Sample.java");
        Files.writeString(file, String.join("\n",
                "/** Documented. */",
                "public class Sample {",
                "    /** Documented. */",
                "    public int documented;",
                "    public int bare;",
                "    int packagePrivate;",
                "    /** Documented. */",
                "    public enum E { /** Documented. */ A, B }",
                "    @Override public String toString() { return \"\"; }",
                "    public void undocumented() { }",
                "    /** Documented. */",
                "    public interface I { void implicitlyPublic(); }",
                "    private static class Hidden { public void notApi() { } }",
                "}"));
        assertThat(undocumented(List.of(file)))
                .containsExactly("Sample.java:5 bare", "Sample.java:8 B", "Sample.java:10 undocumented()",
                        "Sample.java:12 implicitlyPublic()");
    }

    static List<String> undocumented(List<Path> sources) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> missing = new ArrayList<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> files = fm.getJavaFileObjectsFromPaths(sources);
            JavacTask task = (JavacTask) javac.getTask(null, fm, null, List.of("-proc:none"), null, files);
            DocTrees docs = DocTrees.instance(task);
            for (CompilationUnitTree unit : task.parse()) {
                new TreePathScanner<Void, Boolean>() {
                    @Override
                    public Void visitClass(ClassTree c, Boolean inPublicInterface) {
                        if (!visible(c.getModifiers(), inPublicInterface)) {
                            return null; // nothing inside a non-public type is API
                        }
                        check(c.getSimpleName().toString());
                        Tree.Kind k = c.getKind();
                        return super.visitClass(c, k == Tree.Kind.INTERFACE || k == Tree.Kind.ANNOTATION_TYPE);
                    }

                    @Override
                    public Void visitMethod(MethodTree m, Boolean inPublicInterface) {
                        boolean override = m.getModifiers().getAnnotations().stream()
                                .anyMatch(a -> a.getAnnotationType().toString().equals("Override"));
                        boolean generated = m.getName().contentEquals("<init>") && isGeneratedConstructor(m);
                        if (!override && !generated && visible(m.getModifiers(), inPublicInterface)) {
                            check(m.getName() + "()");
                        }
                        return null;
                    }

                    @Override
                    public Void visitVariable(VariableTree v, Boolean inPublicInterface) {
                        boolean enumConstant = getCurrentPath().getParentPath().getLeaf() instanceof ClassTree owner
                                && owner.getKind() == Tree.Kind.ENUM
                                && v.getModifiers().getFlags().contains(Modifier.STATIC)
                                && v.getType() == null;
                        if (enumConstant || visible(v.getModifiers(), inPublicInterface)) {
                            check(v.getName().toString());
                        }
                        return null;
                    }

                    private boolean isGeneratedConstructor(MethodTree m) {
                        // A record's canonical constructor, or a default constructor, has no source position of its own.
                        return docs.getSourcePositions().getStartPosition(unit, m) < 0
                                || docs.getSourcePositions().getStartPosition(unit, m)
                                == docs.getSourcePositions().getStartPosition(unit, getCurrentPath().getParentPath().getLeaf());
                    }

                    private void check(String what) {
                        TreePath path = getCurrentPath();
                        if (docs.getDocCommentTree(path) == null) {
                            long line = unit.getLineMap().getLineNumber(docs.getSourcePositions().getStartPosition(unit, path.getLeaf()));
                            missing.add(Path.of(unit.getSourceFile().toUri()).getFileName() + ":" + line + " " + what);
                        }
                    }
                }.scan(unit, false);
            }
        }
        return missing;
    }

    private static boolean visible(ModifiersTree modifiers, boolean inPublicInterface) {
        var flags = modifiers.getFlags();
        return flags.contains(Modifier.PUBLIC) || flags.contains(Modifier.PROTECTED)
                || inPublicInterface && !flags.contains(Modifier.PRIVATE);
    }
}

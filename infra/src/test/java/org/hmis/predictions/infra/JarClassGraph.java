package org.hmis.predictions.infra;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The classes of a jar and what each class file refers to, read from its constant pool: the classes it names, those
 * in its descriptors and signatures, and string constants that name a class of the jar (what {@code Class.forName}
 * loads). Every versioned copy under {@code META-INF/versions/} counts as the class itself. Classes a class file names
 * that the jar lacks are kept too, so a filter that leaves out what is used shows.
 */
final class JarClassGraph {
    private static final String CLASS_SUFFIX = ".class";
    private static final String VERSIONS = "META-INF/versions/";
    private static final String SERVICES = "META-INF/services/";
    /** The AWS SDK's list of the interceptors it adds to every client, which it instantiates by name. */
    private static final String SDK_GLOBAL_INTERCEPTORS =
            "software/amazon/awssdk/global/handlers/execution.interceptors";

    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([\\w/$]+);");

    /** Per class (internal name), the names of the jar's classes its class files refer to. */
    private final Map<String, Set<String>> references;

    /** Per class, the classes its class files name (as a class or in a descriptor) that the jar does not hold. */
    private final Map<String, Set<String>> absent;

    private final List<String> serviceProviders;

    private JarClassGraph(
            Map<String, Set<String>> references, Map<String, Set<String>> absent, List<String> serviceProviders) {
        this.references = references;
        this.absent = absent;
        this.serviceProviders = serviceProviders;
    }

    static JarClassGraph read(Path jar) {
        Map<String, List<byte[]>> classFiles = new HashMap<>();
        List<String> providers = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : zip.stream().toList()) {
                String name = entry.getName();
                if (entry.isDirectory()) {
                    continue;
                }
                if (name.endsWith(CLASS_SUFFIX)) {
                    classFiles
                            .computeIfAbsent(className(name), n -> new ArrayList<>())
                            .add(readAll(zip, entry));
                } else if (name.startsWith(SERVICES) || name.equals(SDK_GLOBAL_INTERCEPTORS)) {
                    new String(readAll(zip, entry), StandardCharsets.UTF_8)
                            .lines()
                            .map(line -> line.replaceFirst("#.*", "").trim())
                            .filter(line -> !line.isEmpty())
                            .map(line -> line.replace('.', '/'))
                            .forEach(providers::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + jar, e);
        }
        Map<String, Set<String>> references = new HashMap<>();
        Map<String, Set<String>> absent = new HashMap<>();
        classFiles.forEach((name, files) -> {
            Set<String> named = new HashSet<>();
            Set<String> classNames = new HashSet<>();
            for (byte[] file : files) {
                ConstantPool pool = ConstantPool.of(name, file);
                pool.strings().forEach(utf8 -> candidates(utf8, named));
                pool.classNames().forEach(utf8 -> descriptorClasses(utf8, classNames));
            }
            named.retainAll(classFiles.keySet());
            named.remove(name);
            references.put(name, named);
            classNames.removeAll(classFiles.keySet());
            absent.put(name, classNames);
        });
        return new JarClassGraph(references, absent, List.copyOf(providers));
    }

    /** Every class of the jar (internal names: {@code org/hmis/predictions/predict/PredictHandler}). */
    Set<String> classes() {
        return references.keySet();
    }

    /** The classes named in the jar's {@code META-INF/services} files and SDK interceptors file that the jar holds. */
    List<String> serviceProviders() {
        return serviceProviders.stream().filter(references::containsKey).toList();
    }

    /** The classes reachable from {@code roots}, the roots included, following every class file's references. */
    Set<String> reachableFrom(Iterable<String> roots) {
        Set<String> reached = new TreeSet<>();
        Deque<String> pending = new ArrayDeque<>();
        for (String root : roots) {
            if (!references.containsKey(root)) {
                throw new IllegalArgumentException(root + " is not a class of the jar");
            }
            pending.add(root);
        }
        while (!pending.isEmpty()) {
            String next = pending.removeFirst();
            if (reached.add(next)) {
                pending.addAll(references.get(next));
            }
        }
        return reached;
    }

    /** Classes under {@code prefix} that a class of {@code reached} names but the jar does not hold, sorted. */
    Set<String> absentFrom(Set<String> reached, String prefix) {
        Set<String> missing = new TreeSet<>();
        for (String name : reached) {
            absent.get(name).stream().filter(n -> n.startsWith(prefix)).forEach(missing::add);
        }
        return missing;
    }

    private static String className(String entryName) {
        String name = entryName;
        if (name.startsWith(VERSIONS)) {
            name = name.substring(name.indexOf('/', VERSIONS.length()) + 1);
        }
        return name.substring(0, name.length() - CLASS_SUFFIX.length());
    }

    /** Class names a constant-pool string may hold: itself, the classes of a descriptor, a dotted class name. */
    private static void candidates(String utf8, Set<String> into) {
        into.add(utf8);
        if (utf8.indexOf('.') > 0) {
            into.add(utf8.replace('.', '/'));
        }
        descriptorClasses(utf8, into);
    }

    /** The classes of a descriptor or signature, or of an array class's name. */
    private static void descriptorClasses(String utf8, Set<String> into) {
        if (utf8.indexOf(';') < 0) {
            into.add(utf8);
            return;
        }
        Matcher m = DESCRIPTOR_CLASS.matcher(utf8);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    /**
     * The UTF-8 entries of a class file's constant pool (every class, descriptor, signature and string it names), and
     * the names its class entries point to.
     */
    private record ConstantPool(List<String> strings, List<String> classNames) {

        static ConstantPool of(String name, byte[] classFile) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
                if (in.readInt() != 0xCAFEBABE) {
                    throw new IllegalStateException(name + " is not a class file");
                }
                in.readUnsignedShort();
                in.readUnsignedShort();
                int count = in.readUnsignedShort();
                String[] utf8 = new String[count];
                List<Integer> classIndexes = new ArrayList<>();
                for (int index = 1; index < count; index++) {
                    int tag = in.readUnsignedByte();
                    switch (tag) {
                        case 1 -> utf8[index] = in.readUTF();
                        case 7 -> classIndexes.add(in.readUnsignedShort());
                        case 8, 16, 19, 20 -> in.skipBytes(2);
                        case 15 -> in.skipBytes(3);
                        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                        case 5, 6 -> {
                            in.skipBytes(8);
                            index++;
                        }
                        default -> throw new IllegalStateException(name + ": unknown constant-pool tag " + tag);
                    }
                }
                List<String> strings = new ArrayList<>();
                for (String s : utf8) {
                    if (s != null) {
                        strings.add(s);
                    }
                }
                return new ConstantPool(
                        strings, classIndexes.stream().map(i -> utf8[i]).toList());
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the class file of " + name, e);
            }
        }
    }

    private static byte[] readAll(ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }
}

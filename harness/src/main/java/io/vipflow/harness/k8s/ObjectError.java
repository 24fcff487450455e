package io.vipflow.harness.k8s;

/**
 * A rule broken inside one object, found while converting it. Carries the path of the offending field relative to
 * the object ({@code spec.ports[0].port}) so the reader can turn it into a {@link KubeFormatException} with the
 * file position of that field. Never escapes this package.
 */
final class ObjectError extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String path;

    /**
     * @param path    field path relative to the object, "" for the object itself.
     * @param problem what is wrong, worded to follow the path.
     */
    ObjectError(final String path, final String problem)
    {
        this(path, path.isEmpty() ? problem : path + " " + problem, true);
    }

    private ObjectError(final String path, final String message, final boolean unused)
    {
        super(message, null, false, false);
        this.path = path;
    }

    /**
     * @param path    field path relative to the outer object, for the position.
     * @param message the whole message, used as it is.
     * @return an error whose message does not start with the path, for errors re-raised from a nested object.
     */
    static ObjectError withMessage(final String path, final String message)
    {
        return new ObjectError(path, message, true);
    }

    /**
     * @return field path relative to the object, "" for the object itself.
     */
    String path()
    {
        return path;
    }
}

package io.vipflow.harness.k8s;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactoryBuilder;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.events.ScalarEvent;

import java.io.CharArrayReader;
import java.io.IOException;
import java.io.Reader;

/**
 * A YAML factory whose parsers report the anchor of a scalar too ({@code namespace: &ns shop}): Jackson's parser
 * reports anchors on mappings and sequences only, so an alias of an anchored scalar could not be resolved.
 * Used for text input ({@code createParser(String)} or a {@code Reader}).
 * <p>
 * Thread contract: a factory may be shared; each parser is confined to one thread.
 */
public final class AnchoredYamlFactory extends YAMLFactory
{
    private static final long serialVersionUID = 1L;

    private AnchoredYamlFactory(final YAMLFactoryBuilder builder)
    {
        super(builder);
    }

    /** @return a factory with the given loader options (size limits) and strict duplicate-key detection on. */
    public static AnchoredYamlFactory create(final LoaderOptions options)
    {
        final YAMLFactoryBuilder builder = YAMLFactory.builder().loaderOptions(options);
        builder.enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION);
        return new AnchoredYamlFactory(builder);
    }

    @Override
    protected YAMLParser _createParser(final Reader r, final IOContext ctxt) throws IOException
    {
        return new Parser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions, r);
    }

    @Override
    protected YAMLParser _createParser(final char[] data, final int offset, final int len, final IOContext ctxt,
        final boolean recyclable) throws IOException
    {
        return new Parser(ctxt, _parserFeatures, _yamlParserFeatures, _loaderOptions,
            new CharArrayReader(data, offset, len));
    }

    /** Remembers the anchor of the scalar event behind the current value token. */
    private static final class Parser extends YAMLParser
    {
        private String scalarAnchor;

        Parser(final IOContext ctxt, final int parserFeatures, final int yamlFeatures, final LoaderOptions options,
            final Reader reader)
        {
            super(ctxt, parserFeatures, yamlFeatures, options, null, reader);
        }

        @Override
        public JsonToken nextToken() throws IOException
        {
            scalarAnchor = null;
            return super.nextToken();
        }

        @Override
        protected JsonToken _decodeScalar(final ScalarEvent scalar) throws IOException
        {
            scalarAnchor = scalar.getAnchor();
            return super._decodeScalar(scalar);
        }

        @Override
        public String getObjectId() throws IOException
        {
            final JsonToken token = currentToken();
            return scalarAnchor != null && token != null && token.isScalarValue() ? scalarAnchor :
                super.getObjectId();
        }
    }
}

using System.Xml;

namespace Functions.LocalCloud.Auth.Aws;

/// <summary>
/// Reads the body of S3 <c>DeleteObjects</c>:
/// <c>&lt;Delete&gt;&lt;Object&gt;&lt;Key&gt;…&lt;/Key&gt;&lt;VersionId&gt;…&lt;/VersionId&gt;&lt;/Object&gt;…&lt;Quiet&gt;…&lt;/Quiet&gt;&lt;/Delete&gt;</c>
/// (without a namespace or in S3's, without prefixes or attributes other than namespace declarations). The body is hostile input: no DTD, no
/// external resources, at most <see cref="MaxObjects"/> objects as S3 allows, every key non-empty,
/// no element other than S3's and none twice in one object (the map and the service could read
/// different ones). Anything else is refused.
/// </summary>
internal static class S3DeleteObjectsBody
{
    /// <summary>The most objects one request may name (S3's limit).</summary>
    public const int MaxObjects = 1000;

    private const string S3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        CheckCharacters = true,
        MaxCharactersFromEntities = 0,
        MaxCharactersInDocument = AwsRequestMap.MaxBodyBytes,
        ConformanceLevel = ConformanceLevel.Document,
        CloseInput = true,
    };

    /// <summary>An object to delete: its key and, for a version, the version id.</summary>
    public sealed record ObjectToDelete(string Key, string? VersionId);

    /// <summary>The objects the body names, in order.</summary>
    public static IReadOnlyList<ObjectToDelete> Read(ReadOnlyMemory<byte> body)
    {
        if (body.Length > AwsRequestMap.MaxBodyBytes)
        {
            throw new UnmappedRequestException($"the DeleteObjects body is {body.Length} bytes, over the budget of {AwsRequestMap.MaxBodyBytes}");
        }

        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body.ToArray(), writable: false), Settings);
            var objects = ReadDelete(reader);
            while (reader.Read())
            {
                // The rest of the document must be well-formed too (the reader refuses a second root).
            }

            return objects;
        }
        catch (XmlException e)
        {
            throw new UnmappedRequestException("the DeleteObjects body is not well-formed XML: " + e.Message);
        }
    }

    private static List<ObjectToDelete> ReadDelete(XmlReader reader)
    {
        if (reader.MoveToContent() != XmlNodeType.Element || !IsS3Element(reader, "Delete"))
        {
            throw Malformed("the root element is not <Delete>");
        }

        var objects = new List<ObjectToDelete>();
        var quiet = false;
        if (!reader.IsEmptyElement)
        {
            reader.Read();
            while (reader.MoveToContent() != XmlNodeType.EndElement)
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    throw Malformed("<Delete> holds text");
                }

                if (IsS3Element(reader, "Object"))
                {
                    if (objects.Count == MaxObjects)
                    {
                        throw Malformed($"more than {MaxObjects} objects");
                    }

                    objects.Add(ReadObject(reader));
                }
                else if (IsS3Element(reader, "Quiet") && !quiet)
                {
                    quiet = true;
                    reader.ReadElementContentAsString();
                }
                else
                {
                    throw Malformed($"unexpected element <{reader.Name}> in <Delete>");
                }
            }
        }

        reader.Read();
        return objects.Count > 0 ? objects : throw Malformed("no <Object>");
    }

    private static ObjectToDelete ReadObject(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            throw Malformed("an <Object> without <Key>");
        }

        string? key = null;
        string? versionId = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        reader.Read();
        while (reader.MoveToContent() != XmlNodeType.EndElement)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                throw Malformed("<Object> holds text");
            }

            var name = reader.LocalName;
            if (!IsS3Element(reader, name) || name is not ("Key" or "VersionId" or "ETag" or "LastModifiedTime" or "Size") || !seen.Add(name))
            {
                throw Malformed($"unexpected or repeated element <{reader.Name}> in <Object>");
            }

            var value = reader.ReadElementContentAsString();
            if (name == "Key")
            {
                key = value;
            }
            else if (name == "VersionId")
            {
                versionId = value;
            }
        }

        reader.Read();
        if (string.IsNullOrEmpty(key))
        {
            throw Malformed("an <Object> without a <Key>");
        }

        if (versionId is { Length: 0 })
        {
            throw Malformed($"object '{key}' has an empty <VersionId>");
        }

        return new ObjectToDelete(key, versionId);
    }

    private static bool IsS3Element(XmlReader reader, string localName) =>
        reader.LocalName == localName
        && reader.Prefix.Length == 0
        && (reader.NamespaceURI.Length == 0 || reader.NamespaceURI == S3Namespace)
        && OnlyNamespaceAttributes(reader);

    private static bool OnlyNamespaceAttributes(XmlReader reader)
    {
        if (!reader.MoveToFirstAttribute())
        {
            return true;
        }

        try
        {
            do
            {
                if (reader.Name != "xmlns" && !reader.Name.StartsWith("xmlns:", StringComparison.Ordinal))
                {
                    return false;
                }
            }
            while (reader.MoveToNextAttribute());

            return true;
        }
        finally
        {
            reader.MoveToElement();
        }
    }

    private static UnmappedRequestException Malformed(string problem) => new("the DeleteObjects body is malformed: " + problem);
}

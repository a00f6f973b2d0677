using System.Net;
using System.Text;
using System.Xml;
using Functions.LocalCloud.Auth.SigV4;

namespace Functions.LocalCloud.Auth.Moto;

/// <summary>The policy document is gone (IAM answered <c>NoSuchEntity</c>).</summary>
internal sealed class PolicyNotFoundException(string message) : Exception(message);

/// <summary>
/// The one IAM call the state needs and data.json cannot answer: <c>GetPolicyVersion</c>, for the
/// documents of managed policies. A signed Query-API request (moto tells services apart by the
/// credential scope and accounts apart by the access key), answered in XML.
/// </summary>
internal sealed class MotoIamClient
{
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly TimeProvider _time;

    public MotoIamClient(HttpClient http, Uri endpoint, TimeProvider time)
    {
        _http = http;
        _endpoint = endpoint;
        _time = time;
    }

    /// <summary>The document of <paramref name="policyArn"/>'s <paramref name="versionId"/>, as JSON text.</summary>
    public async Task<string> GetPolicyVersionDocumentAsync(string policyArn, string versionId, SigningCredentials credentials, CancellationToken cancellationToken)
    {
        var form = "Action=GetPolicyVersion&Version=2010-05-08"
            + "&PolicyArn=" + SigV4Canonical.Encode(Encoding.UTF8.GetBytes(policyArn), keepSlash: false)
            + "&VersionId=" + SigV4Canonical.Encode(Encoding.UTF8.GetBytes(versionId), keepSlash: false);
        var body = Encoding.UTF8.GetBytes(form);
        const string contentType = "application/x-www-form-urlencoded; charset=utf-8";
        var host = _endpoint.Authority;
        var signed = SigV4Signer.SignWithHeader(
            IncomingRequest.WithBody("POST", "/", "", [new("Host", host), new("Content-Type", contentType)], body),
            credentials, "us-east-1", "iam", _time.GetUtcNow());

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_endpoint, "/")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.Host = host;
        foreach (var (name, value) in signed.Headers)
        {
            if (name is not ("Host" or "Content-Type"))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var xml = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound || xml.Contains("<Code>NoSuchEntity</Code>", StringComparison.Ordinal))
        {
            throw new PolicyNotFoundException($"IAM has no version {versionId} of {policyArn}");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"IAM GetPolicyVersion {policyArn} {versionId} answered {(int)response.StatusCode}: {xml[..Math.Min(xml.Length, 300)]}");
        }

        var document = ReadDocument(xml) ?? throw new FormatException($"IAM GetPolicyVersion {policyArn} {versionId}: no Document in the answer");

        // AWS returns the document URL-encoded (RFC 3986); moto returns it as plain JSON.
        return document.TrimStart().StartsWith('{') ? document : Uri.UnescapeDataString(document);
    }

    private static string? ReadDocument(string xml)
    {
        using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Document")
            {
                return reader.ReadElementContentAsString();
            }
        }

        return null;
    }
}

using System.Globalization;
using System.Text;

namespace Functions.Benchmarks;

/// <summary>
/// <c>POST /events</c> bodies with a realistic payload of a chosen size: an order with a
/// customer, lines of strings, integers, decimals and booleans, members out of alphabetical
/// order (so canonicalization has to sort) and a non-ASCII character per line (so it re-escapes).
/// </summary>
public static class Bodies
{
    /// <summary>A create body whose payload is about <paramref name="payloadBytes"/> bytes of JSON.</summary>
    public static string Create(string? id, int payloadBytes)
    {
        var body = new StringBuilder();
        body.Append('{');
        if (id is not null)
        {
            body.Append(CultureInfo.InvariantCulture, $"\"id\":\"{id}\",");
        }

        body.Append("\"type\":\"order.created\",\"occurredAt\":\"2026-11-21T09:30:00.125Z\",\"payload\":");
        body.Append(Payload(payloadBytes));
        body.Append('}');
        return body.ToString();
    }

    /// <summary>
    /// The payload object alone, grown line by line until its canonical form (where each "é"
    /// becomes the 6-byte escape <c>\u00E9</c>) is about <paramref name="targetBytes"/>.
    /// </summary>
    public static string Payload(int targetBytes)
    {
        const int EscapeGrowth = 5; // "é": 1 char here, 6 bytes canonical.
        const string Tail = "],\"total\":1234.5,\"currency\":\"EUR\"}";
        var payload = new StringBuilder();
        payload.Append("{\"orderId\":\"ord-7f3a9c\",\"customer\":{\"name\":\"Zoë Example\",\"tier\":\"gold\"},\"lines\":[");
        var growth = EscapeGrowth;
        for (var i = 0; ; i++)
        {
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{{\"sku\":\"SKU-{i:D6}\",\"qty\":{(i % 7) + 1},\"price\":{(i * 37 % 10000) / 100.0:0.00},\"gift\":{(i % 3 == 0 ? "true" : "false")},\"note\":\"café {i}\"}}");
            if (i > 0 && payload.Length + growth + EscapeGrowth + line.Length + 1 + Tail.Length > targetBytes)
            {
                break;
            }

            payload.Append(i > 0 ? "," : string.Empty).Append(line);
            growth += EscapeGrowth;
        }

        payload.Append(Tail);
        return payload.ToString();
    }
}

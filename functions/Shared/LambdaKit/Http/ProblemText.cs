namespace Functions.LambdaKit.Http;

/// <summary>Makes caller-supplied text safe to echo in a problem's detail.</summary>
public static class ProblemText
{
    /// <summary>
    /// At most <paramref name="max"/> characters, control characters replaced by '?', and an
    /// ellipsis when cut, so a hostile name cannot forge lines or flood a response.
    /// </summary>
    public static string Printable(string text, int max = 64)
    {
        var clean = new string(text.Take(max).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return text.Length > max ? clean + "…" : clean;
    }
}

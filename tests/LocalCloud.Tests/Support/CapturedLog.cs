using System.Text;
using System.Text.Json;
using Functions.LocalCloud.Lambda;

namespace Functions.LocalCloud.Tests.Support;

/// <summary>A <see cref="LocalLog"/> kept in memory, its lines parsed back for assertions.</summary>
public sealed class CapturedLog
{
    private readonly LineWriter _writer = new();

    public CapturedLog(TimeProvider? time = null) => Log = new LocalLog(_writer, time ?? TimeProvider.System);

    public LocalLog Log { get; }

    public string Text => _writer.Text;

    /// <summary>The local cloud's own lines (<c>"source":"localcloud"</c>) whose <c>event</c> is <paramref name="name"/>.</summary>
    public IReadOnlyList<JsonElement> Events(string name) =>
        [.. Text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith('{'))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.TryGetProperty("source", out var source) && source.GetString() == "localcloud"
                && line.GetProperty("event").GetString() == name)];

    /// <summary>Waits until the log satisfies <paramref name="done"/>: woken by each line written; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<CapturedLog, bool> done, TimeSpan timeout)
    {
        using var expired = new CancellationTokenSource(timeout);
        while (true)
        {
            var changed = _writer.Changed;
            if (done(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(expired.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The log did not reach the expected state within {timeout}:\n{Text}");
            }
        }
    }

    private sealed class LineWriter : TextWriter
    {
        private readonly StringBuilder _text = new();
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Changed
        {
            get
            {
                lock (_text)
                {
                    return _changed.Task;
                }
            }
        }

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public override void Write(string? value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public override void WriteLine(string? value)
        {
            TaskCompletionSource changed;
            lock (_text)
            {
                _text.Append(value).Append('\n');
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.SetResult();
        }
    }
}

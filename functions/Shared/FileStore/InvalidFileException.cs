namespace Functions.FileStore;

/// <summary>
/// The content is not a file the inspector accepts. Thrown by the format readers where the
/// problem is found and turned into a rejection by <see cref="FileInspector"/>; nothing else
/// about the content may escape the inspector.
/// </summary>
internal sealed class InvalidFileException(string reason) : Exception(reason);

using System.Net;
using System.Net.Sockets;

namespace Functions.LocalCloud.Hosting;

/// <summary>Ports on 127.0.0.1, the only address the local cloud listens on.</summary>
internal static class LoopbackPorts
{
    /// <summary>A port free at the moment of asking (the system picks it).</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>Whether <paramref name="port"/> can be listened on now (another local cloud would hold it).</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

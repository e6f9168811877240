package dev.kineto.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Where webhooks may go. A callback to loopback, private, link-local or other internal addresses would let any user
 * make the server call into its own network, so they are refused unless the operator allows them (tests, closed
 * networks). Checked at submit and again at each delivery, since a name can resolve elsewhere later.
 */
final class Callbacks {
    private Callbacks() {}

    /** Why the server will not call this URL, or empty when it may. */
    static Optional<String> refusal(URI url, boolean privateAllowed) {
        if (privateAllowed) return Optional.empty();
        try {
            for (InetAddress address : InetAddress.getAllByName(url.getHost())) {
                if (internal(address)) {
                    return Optional.of("callback_url host " + url.getHost() + " is an internal address (" + address.getHostAddress()
                            + "); callbacks go to public addresses only");
                }
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.of("callback_url host " + url.getHost() + " does not resolve");
        }
    }

    static boolean internal(InetAddress a) {
        byte[] b = a.getAddress();
        boolean uniqueLocal = a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc; // fc00::/7
        boolean sharedV4 = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // 100.64.0.0/10, carrier-grade NAT
        boolean thisNetwork = b.length == 4 && b[0] == 0; // 0.0.0.0/8
        return a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress() || uniqueLocal || sharedV4 || thisNetwork;
    }
}

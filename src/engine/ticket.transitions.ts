// Transition tables shared by several handling states (extension requests; resolve, report up, reject).
// Only named guards and actions appear here, so the machine's setup types them.

export function extensionEvents() {
  return {
    REQUEST_EXTENSION: {
      guard: 'validExtension' as const,
      actions: [
        'recordExtensionRequest' as const,
        { type: 'notify' as const, params: { audience: 'townSupervision' as const, topic: 'extensionRequested' } },
      ],
    },
    APPROVE_EXTENSION: {
      guard: 'hasPendingExtension' as const,
      actions: [
        'approveExtension' as const,
        'extendDeadline' as const,
        { type: 'notify' as const, params: { audience: 'handler' as const, topic: 'extensionApproved' } },
      ],
    },
    DENY_EXTENSION: {
      guard: 'hasPendingExtension' as const,
      actions: [
        'clearPendingExtension' as const,
        { type: 'notify' as const, params: { audience: 'handler' as const, topic: 'extensionDenied' } },
      ],
    },
  };
}

export function handlingEvents() {
  return {
    RESOLVE: { guard: 'hasSummary' as const, target: '#ticket.awaitingFeedback' },
    REPORT_UP: { guard: 'hasLeadUnit' as const, target: '#ticket.joint.dispatched', actions: 'recordUnits' as const },
    REJECT: { guard: 'hasReason' as const, target: '#ticket.rejected' },
    ...extensionEvents(),
  };
}

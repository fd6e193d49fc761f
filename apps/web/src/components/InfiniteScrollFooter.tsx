// The foot of an infinitely scrolling list: when it scrolls into view the next page loads (an
// IntersectionObserver, with a margin so it starts before the reader gets there); a button stays as a
// fallback (keyboard users, and browsers where the foot is visible before anything scrolled).
import { Button, Center, Loader, Text } from "@mantine/core";
import { useEffect, useRef } from "react";

interface InfiniteScrollFooterProps {
  hasMore: boolean;
  loading: boolean;
  onMore: () => void;
  shown: number;
  total?: number;
}

export function InfiniteScrollFooter({ hasMore, loading, onMore, shown, total }: InfiniteScrollFooterProps) {
  const ref = useRef<HTMLDivElement>(null);
  const more = useRef(onMore);
  more.current = onMore;
  useEffect(() => {
    const el = ref.current;
    if (!el || !hasMore || loading) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) more.current();
      },
      { rootMargin: "400px 0px" },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasMore, loading]);

  return (
    <Center py="sm" ref={ref} data-testid="list-footer">
      {loading ? (
        <Loader size="sm" aria-label="Loading more" />
      ) : hasMore ? (
        <Button variant="default" onClick={onMore} data-testid="load-more">
          Show more{total !== undefined ? ` (${shown} of ${total})` : ""}
        </Button>
      ) : (
        <Text size="sm" c="dimmed">
          {shown === 0 ? "Nothing matches." : `All ${shown} shown.`}
        </Text>
      )}
    </Center>
  );
}

import { Button, Center, Text } from "@mantine/core";

/** The foot of a cursor-paged list: "Load more" while the server has a next cursor. */
export function LoadMore(props: { hasMore: boolean; loading: boolean; onMore: () => void; shown: number }) {
  return (
    <Center py="sm">
      {props.hasMore ? (
        <Button variant="default" onClick={props.onMore} loading={props.loading} data-testid="load-more">
          Load more
        </Button>
      ) : (
        <Text size="sm" c="dimmed">
          {props.shown === 0 ? "Nothing matches." : `All ${props.shown} shown.`}
        </Text>
      )}
    </Center>
  );
}

// Mantine components that navigate through TanStack Router, keeping `to` type-checked against the route tree.
import { Anchor, type AnchorProps, Button, type ButtonProps, NavLink, type NavLinkProps } from "@mantine/core";
import { createLink } from "@tanstack/react-router";
import { type AnchorHTMLAttributes, forwardRef } from "react";

type AnchorAttrs<P> = P & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, keyof P | "color">;

const NavAnchor = forwardRef<HTMLAnchorElement, AnchorAttrs<NavLinkProps>>(function NavAnchor(props, ref) {
  return <NavLink component="a" ref={ref} {...props} />;
});

const ButtonAnchor = forwardRef<HTMLAnchorElement, AnchorAttrs<ButtonProps>>(function ButtonAnchor(props, ref) {
  return <Button component="a" ref={ref} {...props} />;
});

const TextAnchor = forwardRef<HTMLAnchorElement, AnchorAttrs<AnchorProps>>(function TextAnchor(props, ref) {
  return <Anchor component="a" ref={ref} {...props} />;
});

/** A navbar entry; active when its route matches. */
export const RouterNavLink = createLink(NavAnchor);
/** A button that is really a link (opens in a new tab with ctrl/cmd-click). */
export const RouterButton = createLink(ButtonAnchor);
/** An inline text link. */
export const RouterAnchor = createLink(TextAnchor);
